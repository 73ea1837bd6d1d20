import { passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  it('accepts 12 to 256 characters, counted as characters not bytes', () => {
    expect(passwordProblem('correct horse')).toBeNull();
    expect(passwordProblem('ééééééééééé')).toMatch(/at least 12/);
    expect(passwordProblem('é'.repeat(12))).toBeNull();
    expect(passwordProblem('x1'.repeat(128))).toBeNull();
    expect(passwordProblem('x1'.repeat(128) + 'y')).toMatch(/at most 256/);
  });

  it('refuses the common passwords whatever their case', () => {
    expect(passwordProblem('1qaz2wsx3edc')).toMatch(/too common/);
    expect(passwordProblem('leavemealone')).toMatch(/too common/);
    expect(passwordProblem('LeaveMeAlone')).toMatch(/too common/);
  });
});
