import { describe, expect, it } from 'vitest';
import { analyseComment } from '../../src/features/comments/comment-analysis.ts';
import { detectSpikes, spikeThreshold } from '../../src/features/reports/trends.ts';
import { addWorkingDays } from '../../src/core/working-days.ts';

describe('comment analysis', () => {
  const cases: [string, string, string, string][] = [
    // text, category, sentiment, severity
    ['Cô giáo lớp Lá A1 đánh con tôi', 'teacher_conduct', 'negative', 'urgent'],
    ['co giao lop la a1 danh con toi', 'teacher_conduct', 'negative', 'urgent'],
    ['cô tát cháu', 'teacher_conduct', 'negative', 'urgent'],
    // Shouting is a matter of conduct for the principal, not an emergency (as the labelled examples say).
    ['cô giáo quát mắng các con suốt', 'teacher_conduct', 'negative', 'normal'],
    ['con bị ngã chảy máu đầu mà không ai báo', 'safety', 'negative', 'urgent'],
    ['con bi nga chay mau dau', 'safety', 'negative', 'urgent'],
    ['cả lớp bị ngộ độc thực phẩm sau bữa trưa', 'safety', 'negative', 'urgent'],
    ['không thấy con đâu, bé bị lạc khỏi lớp', 'safety', 'negative', 'urgent'],
    ['nghi ngờ cháu bị xâm hại', 'safety', 'negative', 'urgent'],
    ['bếp trường bị cháy lớn', 'safety', 'negative', 'urgent'],
    ['My son was slapped by a teacher', 'teacher_conduct', 'negative', 'urgent'],
    ['Cơm hôm nay bị khê các con không ăn được', 'meals', 'negative', 'normal'],
    ['com hom nay bi khe', 'meals', 'negative', 'normal'],
    ['Nhà vệ sinh lớp bẩn quá', 'hygiene', 'negative', 'normal'],
    ['nha ve sinh ban qua', 'hygiene', 'negative', 'normal'],
    ['Đồ chơi ngoài sân bị hỏng', 'facilities', 'negative', 'normal'],
    ['sao thu nhiều tiền thế', 'fees', 'negative', 'normal'],
    ['nhà trường không thông báo gì cả', 'communication', 'negative', 'normal'],
    ['Tôi muốn khen cô Thu chăm sóc các con rất tốt', 'teacher_conduct', 'positive', 'normal'],
    ['cam on co giao rat tan tinh', 'teacher_conduct', 'positive', 'normal'],
    ['đề xuất trường mở thêm lớp năng khiếu', 'other', 'neutral', 'normal'],
    ['con đánh răng xong mới đi học', 'other', 'neutral', 'normal'],
    ['😀😀', 'other', 'neutral', 'normal'],
  ];
  it.each(cases)('%s → %s, %s, %s', (text, category, sentiment, severity) => {
    expect(analyseComment(text)).toEqual({ category, sentiment, severity });
  });
});

describe('trend detection', () => {
  it('stays quiet at the usual level and on a single bad week of few comments', () => {
    expect(detectSpikes({ meals: 2 }, { meals: [2, 1, 3, 2, 2, 1, 2, 3] })).toEqual([]);
    expect(detectSpikes({ fees: 2 }, {})).toEqual([]);
  });

  it('flags a category far above its 8-week baseline', () => {
    const spikes = detectSpikes({ meals: 9, hygiene: 2 }, { meals: [1, 2, 1, 0, 2, 1, 1, 0], hygiene: [2, 2, 1, 2, 3, 2, 2, 1] });
    expect(spikes).toEqual([{ category: 'meals', count: 9, weeklyMean: 1, threshold: 4 }]);
  });

  it('flags a new problem from nothing at three comments', () => {
    expect(spikeThreshold(0)).toBe(3);
    expect(detectSpikes({ safety: 3 }, {})[0]).toMatchObject({ category: 'safety', count: 3 });
  });

  it('needs more for a category that is always busy', () => {
    expect(spikeThreshold(10)).toBe(20);
    expect(detectSpikes({ meals: 15 }, { meals: Array(8).fill(10) })).toEqual([]);
  });
});

describe('working days', () => {
  const tz = 'Asia/Ho_Chi_Minh';
  it('skips weekends and holidays', () => {
    // Thursday 09:00 + 2 working days = Monday 09:00
    expect(addWorkingDays(new Date('2026-11-26T02:00:00Z'), 2, tz, []).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    // Thursday 31/12 + 2, with 1/1 a holiday: Tuesday 5/1
    expect(addWorkingDays(new Date('2026-12-31T02:00:00Z'), 2, tz, [{ from: '2027-01-01', to: '2027-01-01' }]).toISOString()).toBe('2027-01-05T02:00:00.000Z');
  });
});
