// Only the parts of Chart.js a bar chart needs (tree-shaken); loaded with the first chart.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
export { Chart };
