import { describe, expect, it } from 'vitest';
import { maskExampleSecrets } from '../../src/report/rule-docs.js';

// Rule pages and `sandcheck explain` print the fixtures; a secret-like value must show masked, whole.
describe('maskExampleSecrets', () => {
  it('masks a quoted value whole, commas included (it was cut at the first comma)', () => {
    const out = maskExampleSecrets('API_KEYS="Hq3LwZr8Tm2Vx7Nb,Kq9Lw3Zr8Tm2Vx7Nb4Hs"');
    expect(out).toBe('API_KEYS="Hq3L…"');
    expect(out).not.toContain('Kq9Lw3Zr8Tm2Vx7Nb4Hs');
  });

  it("masks single-quoted and bare values, and leaves settings and SOPS values as they are", () => {
    expect(maskExampleSecrets("DB_PASSWORD: 'Tz7Qm2Vx9Lw3Zr8T'")).toBe("DB_PASSWORD: 'Tz7Q…'");
    expect(maskExampleSecrets('DB_PASSWORD=Tz7Qm2Vx9Lw3Zr8T')).toBe('DB_PASSWORD=Tz7Q…');
    expect(maskExampleSecrets('LOG_LEVEL: info')).toBe('LOG_LEVEL: info');
    expect(maskExampleSecrets('DB_PASSWORD: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]')).toBe('DB_PASSWORD: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]');
    expect(maskExampleSecrets('DB_PASSWORD: "ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]"')).toBe('DB_PASSWORD: "ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]"');
  });
});
