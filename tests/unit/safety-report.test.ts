// The safety-report detector: the issue's own reports in every style, harmless look-alikes, and
// its recall and false alarms by cross-validation on its labelled examples (nlu-data/safety/).
// The frozen test set (tests/nlu/safety-test.tsv) is only reported, by `npm run safety`.
import { describe, expect, it } from 'vitest';
import {
  crossValidateSafety, CUTOFFS, detectSafetyReport, everydayQuestions, readSafetyExamples,
} from '../../src/features/safety/safety-model.ts';

describe('safety-report detector', () => {
  it.each([
    ['chau bi ngo doc thuc pham sau bua trua', 'poisoning'],
    ['con toi bi lac, khong thay con dau ca, co giup toi voi', 'missing'],
    ['be bi bong nuoc soi o lop', 'injury'],
    ['con em ve nha bi bam tim khap nguoi', 'injury'],
    ['truong dang chay, cuu voi', 'fire'],
    ['co giao danh con toi bi thuong', 'violence'],
    ['cô giáo đánh con tôi chảy máu, tôi cần gặp hiệu trưởng ngay', 'violence'],
    ['con em vua bi nga o lop, chay mau dau', 'injury'],
    ['k thấy con đâu c ơi', 'missing'],
    ['the teacher slapped my daughter', 'violence'],
  ])('recognises %s', (text, kind) => {
    expect(detectSafetyReport(text)?.kind).toBe(kind);
  });

  it.each([
    'bé đánh răng chưa ạ', 'dạ cô ơi con bị sốt cho con nghỉ', 'tất cả các con đều được ăn', 'trường mình tắt đèn lúc mấy giờ',
    'danh sach lop la a1', 'nếu con bị ngã thì trường xử lý sao', 'con không bị thương gì ạ', 'bỏng ngô', 'hôm nay con chạy nhảy nhiều quá',
    'lịch diễn tập phòng cháy chữa cháy', 'I did not get hurt', 'and the meals?', 'and the uniform?', 'what about the fees', 'cơm bị nguội và khê lần 3',
  ])('lets %s through', (text) => {
    expect(detectSafetyReport(text)).toBeNull();
  });

  it('finds most reports and raises few false alarms on messages its model never saw (5-fold cross-validation)', () => {
    const rows = readSafetyExamples();
    const [s] = crossValidateSafety(rows, everydayQuestions(), [CUTOFFS]);
    const recall = s.found / s.reports;
    const falseAlarms = s.alarms / s.ordinary;
    console.log(`safety detector, cross-validated: recall ${(recall * 100).toFixed(1)} %, false alarms ${(falseAlarms * 100).toFixed(1)} % (${rows.length} messages)`);
    expect(recall).toBeGreaterThanOrEqual(0.94);
    expect(falseAlarms).toBeLessThanOrEqual(0.13);
  }, 120_000); // five models trained on 3,000 messages each
});
