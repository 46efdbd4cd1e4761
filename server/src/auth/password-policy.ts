/**
 * Password rules. The MHLW guideline (6.0, システム運用編) asks for passwords that cannot be guessed
 * and are not reused across accounts; NIST SP 800-63B favours length over composition rules, so:
 * at least 12 characters, at least 3 of 4 character classes unless 16 or longer, not containing the
 * user name, not one of the common passwords, not one repeated character.
 */
const COMMON = new Set(['password', 'password1', 'password123', '123456789012', 'qwertyuiop12', 'iloveyou1234', 'administrator', 'medflow12345', 'hospital1234', 'p@ssw0rd1234', 'passw0rd1234', 'welcome12345', 'abcdefghijkl', 'abc123456789']);

export interface PasswordProblem { code: string; message: string }

export function checkPassword(password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < 12) problems.push({ code: 'PASSWORD_TOO_SHORT', message: 'password must be at least 12 characters / パスワードは12文字以上にしてください' });
  if (length > 256) problems.push({ code: 'PASSWORD_TOO_LONG', message: 'password must be at most 256 characters' });
  const classes = [/[a-z]/, /[A-Z]/, /[0-9０-９]/, /[^A-Za-z0-9０-９]/].filter((re) => re.test(password)).length;
  if (length < 16 && classes < 3) problems.push({ code: 'PASSWORD_TOO_SIMPLE', message: 'use at least 3 of: lower case, upper case, digits, symbols (or 16+ characters) / 英小文字・英大文字・数字・記号のうち3種類以上（16文字以上なら不要）' });
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push({ code: 'PASSWORD_CONTAINS_USERNAME', message: 'password must not contain the user name / ユーザー名を含めないでください' });
  if (COMMON.has(password.toLowerCase())) problems.push({ code: 'PASSWORD_COMMON', message: 'this password is too common / よく使われるパスワードです' });
  if (/^(.)\1+$/u.test(password)) problems.push({ code: 'PASSWORD_REPEATED', message: 'password must not be one repeated character' });
  return problems;
}
