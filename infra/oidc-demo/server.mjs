// A local OpenID Connect provider (the `oidc-provider` package) for `make run`
// and the integration tests: one client (ours), authorization code flow with
// PKCE required, RS256 ID tokens signed with a key generated at start (a
// restart is a key rotation: a new kid), and a sign-in page with one demo
// identity. Nothing is fetched at run time; state lives in memory.
//
// Environment:
//   OIDC_DEMO_PORT            port on 127.0.0.1 (required)
//   OIDC_DEMO_CLIENT_ID       our client id (required)
//   OIDC_DEMO_CLIENT_SECRET   its secret (required, at least 16 characters)
//   OIDC_DEMO_REDIRECT_URIS   our callback URL(s), space separated (required)
//   OIDC_DEMO_TEST_MODE=1     the test hooks below, and any email signs in
//                             (password test-pass; email_verified=false in the form: unverified)
//   OIDC_DEMO_PID_FILE        where to write its pid once listening
//
// Test mode only (the integration tests drive these):
//   POST /test/tamper?mode=M  the next token answer's ID token is altered:
//        payload (a claim changed, signature kept), aud, iss, nonce, expired
//        (re-signed with the real key, one claim wrong), alg-none, hs256
//   POST /test/jwks?down=1|0  the JWKS answers 503 (a JWKS outage) or not
import crypto from 'node:crypto';
import fs from 'node:fs';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`oidc-demo: ${name} is required`);
    process.exit(2);
  }
  return v;
}

const port = Number(need('OIDC_DEMO_PORT'));
const clientId = need('OIDC_DEMO_CLIENT_ID');
const clientSecret = need('OIDC_DEMO_CLIENT_SECRET');
const redirectUris = need('OIDC_DEMO_REDIRECT_URIS').split(/[\s,]+/).filter(Boolean);
const testMode = process.env.OIDC_DEMO_TEST_MODE === '1';
const issuer = `http://127.0.0.1:${port}`;

const DEMO = { email: 'demo@example.test', password: 'demo-pass', name: 'Demo Person' };

// The signing key: new at every start, so a restart rotates it.
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };

// Accounts by id; an account id is derived from the email, so the same email
// is the same subject across restarts.
const accounts = new Map();
function accountFor(email, emailVerified, name) {
  const id = `u-${crypto.createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 24)}`;
  accounts.set(id, { email, email_verified: emailVerified, name });
  return id;
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The claims in the ID token itself (we read no userinfo).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const a = accounts.get(id);
    if (!a) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: a.email, email_verified: a.email_verified, name: a.name };
      },
    };
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Error</title><h1>${escapeHtml(out.error)}</h1><p>${escapeHtml(out.error_description || '')}</p>`;
  },
});

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16384) break;
  }
  return new URLSearchParams(body);
}

let tamperMode = '';
let jwksDown = false;

async function tamper(idToken, mode) {
  const claims = decodeJwt(idToken);
  const [h, p, s] = idToken.split('.');
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  switch (mode) {
    case 'payload': return `${h}.${b64({ ...claims, email: 'someone-else@example.test', sub: 'u-someone-else' })}.${s}`;
    case 'alg-none': return `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    case 'hs256': {
      // Signed with the client secret as an HMAC key: the classic confusion.
      const head = b64({ alg: 'HS256', typ: 'JWT', kid: signingJwk.kid });
      const mac = crypto.createHmac('sha256', clientSecret).update(`${head}.${p}`).digest('base64url');
      return `${head}.${p}.${mac}`;
    }
    default: break;
  }
  const changed = { ...claims };
  if (mode === 'aud') changed.aud = 'another-client';
  if (mode === 'iss') changed.iss = 'http://127.0.0.1:1/another-issuer';
  if (mode === 'nonce') changed.nonce = 'not-the-nonce-we-sent';
  if (mode === 'expired') { changed.iat -= 7200; changed.exp = changed.iat + 600; }
  return new SignJWT(changed).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: signingJwk.kid }).sign(privateKey);
}

provider.use(async (ctx, next) => {
  const started = Date.now();
  if (testMode && ctx.method === 'POST' && ctx.path === '/test/tamper') {
    tamperMode = ctx.query.mode || '';
    ctx.body = { tamper: tamperMode };
    return;
  }
  if (testMode && ctx.method === 'POST' && ctx.path === '/test/jwks') {
    jwksDown = ctx.query.down === '1';
    ctx.body = { jwks_down: jwksDown };
    return;
  }
  if (jwksDown && ctx.path === '/jwks') {
    ctx.status = 503;
    ctx.body = { error: 'temporarily_unavailable' };
    return;
  }
  const m = ctx.path.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/);
  if (m) {
    await interaction(ctx, Boolean(m[2]));
  } else {
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && tamperMode && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token, tamperMode) };
      tamperMode = '';
    }
  }
  console.log(JSON.stringify({ t: new Date().toISOString(), method: ctx.method, path: ctx.path, status: ctx.status, ms: Date.now() - started }));
});

async function interaction(ctx, submitted) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  let error = '';
  if (submitted && ctx.method === 'POST') {
    const form = await readForm(ctx.req);
    const email = (form.get('email') || '').trim();
    const password = form.get('password') || '';
    let accountId = null;
    if (testMode && email && password === 'test-pass') {
      accountId = accountFor(email, form.get('email_verified') !== 'false', form.get('name') || 'Test Person');
    } else if (email.toLowerCase() === DEMO.email && password === DEMO.password) {
      accountId = accountFor(DEMO.email, true, DEMO.name);
    }
    if (accountId) {
      const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
      grant.addOIDCScope(String(details.params.scope || 'openid'));
      const grantId = await grant.save();
      const to = await provider.interactionResult(ctx.req, ctx.res,
        { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(to);
      return;
    }
    error = 'Unknown email or wrong password.';
  }
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Demo ID: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.err{color:#b00}.hint{color:#555;font-size:.9rem}</style></head>
<body><h1>Demo ID</h1>
<p>A local identity provider for trying out sign-in. <b>${escapeHtml(details.params.client_id)}</b> asks who you are.</p>
${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(details.uid)}/login">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" value="${DEMO.email}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" value="">
<button type="submit">Sign in</button></form>
<p class="hint">The demo identity: ${DEMO.email} / ${DEMO.password}</p>
</body></html>`;
}

provider.listen(port, '127.0.0.1', () => {
  if (process.env.OIDC_DEMO_PID_FILE) fs.writeFileSync(process.env.OIDC_DEMO_PID_FILE, `${process.pid}\n`);
  console.log(JSON.stringify({ t: new Date().toISOString(), msg: 'oidc-demo listening', issuer, kid: signingJwk.kid, test_mode: testMode }));
});
