// A bar chart on a canvas (Chart.js, only the pieces a bar chart needs, loaded with the reports
// screen and not before). The canvas is a picture with a text label; the numbers themselves are
// in the data table beside it, which screen readers and keyboards use. A click on a bar opens
// what is behind it, as the table's links do.
import { useEffect, useRef } from 'preact/hooks';

export interface BarSeries { label: string; values: number[] }

let loading: Promise<typeof import('./chart-setup.ts')> | null = null;
const chartJs = () => (loading ??= import('./chart-setup.ts'));

// Two colours that keep 3:1 against white and against each other's fill; the table carries the numbers.
const COLOURS = ['#0b5cad', '#a4161a'];

export function BarChart(props: {
  labels: string[]; series: BarSeries[]; label: string; onBar?: (index: number) => void; testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const onBar = useRef(props.onBar);
  onBar.current = props.onBar;
  const key = JSON.stringify([props.labels, props.series]);

  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let live = true;
    chartJs().then(({ Chart }) => {
      if (!live || !canvas.current) return;
      chart = new Chart(canvas.current, {
        type: 'bar',
        data: {
          labels: props.labels,
          datasets: props.series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: COLOURS[i % COLOURS.length] })),
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: props.series.length > 1 } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          onClick: (_e, elements) => { if (elements.length && onBar.current) onBar.current(elements[0].index); },
          onHover: (e, elements) => {
            const target = e.native?.target as HTMLElement | undefined;
            if (target) target.style.cursor = elements.length && onBar.current ? 'pointer' : 'default';
          },
        },
      });
    });
    return () => { live = false; chart?.destroy(); };
  }, [key]);

  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={props.label} data-testid={props.testId} />
    </div>
  );
}
