// A message that gives context first and asks at the end is answered about what it asks.
import { describe, expect, it } from 'vitest';
import { isQuestion, lastQuestion, sentencesOf } from '../../src/nlu/question-sentence.ts';
import { classify, readIntentDir, trainModel } from '../../src/nlu/nlu-service.ts';

describe('the question sentence of a message', () => {
  it('splits sentences at their ends and line breaks, keeping those of two words or more', () => {
    expect(sentencesOf('Dạ. Em là mẹ bé Bin!\nHọc phí bao nhiêu ạ? Ok')).toEqual(['Em là mẹ bé Bin!', 'Học phí bao nhiêu ạ?']);
  });

  it('knows a question by its mark, its Vietnamese particles or its English opener', () => {
    for (const q of ['học phí bao nhiêu ạ?', 'mai con có đi học không cô', 'đóng tiền chưa ạ', 'what time is pick-up', 'cho em hỏi giờ đón']) expect(isQuestion(q), q).toBe(true);
    for (const s of ['Em là mẹ bé Bin lớp Mầm 2.', 'bà nội ở quê nên em xoay không kịp.', 'Dạo này công ty em tăng ca suốt.', 'My husband travels a lot.']) expect(isQuestion(s), s).toBe(false);
  });

  it('is the last question of several sentences, and none for one sentence', () => {
    expect(lastQuestion('Chào cô, em là mẹ bé Bin. Dạo này em bận lắm. Học phí tháng này bao nhiêu ạ? Em cảm ơn cô.')).toBe('Học phí tháng này bao nhiêu ạ?');
    expect(lastQuestion('học phí tháng này bao nhiêu ạ?')).toBeNull();
    expect(lastQuestion('Em là mẹ bé Bin. Em cảm ơn cô.')).toBeNull();
  });

  it('decides the intent when the whole message reads as a courtesy or a story', () => {
    const model = trainModel(readIntentDir('intents'));
    const long = 'Chào cô, em là mẹ bé Bin lớp Mầm 2. Dạo này công ty em hay tăng ca, chồng em thì đi công tác suốt, bà nội lại ở quê nên em rất vất vả. Hôm qua bé về kể ở lớp vui lắm, em cảm ơn các cô nhiều. Cho em hỏi tháng này học phí đóng trước ngày nào ạ?';
    expect(classify(model, long).intent).toBe('fees');
    expect(classify(model, 'We just moved here from Da Nang and my daughter misses her friends. What time does school start in the morning?').intent).toBe('pickup_hours');
  }, 120_000);
});
