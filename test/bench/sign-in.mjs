// Signs a benchmark in the way a person would: first-run setup with a second factor, then the session
// cookie and CSRF token on every request.
import { totpNow } from '../../server/dist/auth/totp.js';

export const BENCH_SETUP_TOKEN = 'bench-setup-token-000';

export async function benchSession(url) {
  const post = (path, body, headers = {}) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const { secret } = await (await post('/api/auth/setup/totp', { setupToken: BENCH_SETUP_TOKEN })).json();
  const res = await post('/api/auth/setup', { setupToken: BENCH_SETUP_TOKEN, username: 'bench', displayName: 'bench', password: 'Kensa-Sokudo-2026!', totpSecret: secret, totpCode: totpNow(secret) });
  if (res.status !== 201) throw new Error(`bench setup failed: ${await res.text()}`);
  const token = /medflow_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  const { csrfToken } = await res.json();
  return { token, headers: { cookie: `medflow_session=${token}`, 'x-csrf-token': csrfToken } };
}
