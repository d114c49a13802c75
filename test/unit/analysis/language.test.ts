import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

describe('language detection', () => {
  it('analyses English, with typos and slang', () => {
    const r = run('recieved everything well packed, definately ordering again lol');
    expect(r.language).toEqual({ code: 'eng', supported: true });
    expect(r.sentiment.label).toBe('positive');
  });

  it('analyses texts too short to tell as English', () => {
    expect(run('love it!!').language.supported).toBe(true);
    expect(run('ok').language.code).toBe('und');
  });

  it.each([
    ['El servicio al cliente es muy malo y nunca responden a mis correos electrónicos.', 'spa'],
    ['Le service client est vraiment décevant, personne ne répond jamais au téléphone.', 'fra'],
    ['Der Kundenservice ist leider sehr schlecht und niemand antwortet auf meine E-Mails.', 'deu'],
  ])('flags %s as unsupported (%s) and does not guess', (text, code) => {
    const r = run(text);
    expect(r.language).toEqual({ code, supported: false });
    expect(r.sentiment).toEqual({ label: 'neutral', score: 0, confidence: expect.any(Number) });
    expect(r.sentiment.confidence).toBeLessThan(0.3);
    expect(r.themes).toEqual([]);
    expect(r.churnSignals).toEqual([]);
  });

  it('flags other scripts', () => {
    for (const text of ['服务很差，我再也不会用了', 'Обслуживание ужасное, больше никогда не приду', 'الخدمة سيئة جدا']) {
      const r = run(text);
      expect(r.language.supported).toBe(false);
      expect(r.sentiment.label).toBe('neutral');
    }
  });
});
