import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { clerkAdminAuth } from '../http/middleware/adminAuth.js';

export const DASHBOARD_ORIGIN = 'http://localhost:3000';

/**
 * Networkless Clerk: an RS256 key pair made here, its public key given to `@clerk/express` as
 * `jwtKey`, and session tokens minted with the claims Clerk puts in them (v2 `o` org claim).
 */
export async function clerkTestKit() {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const other = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwtKey = await exportSPKI(publicKey);
  const publishableKey = `pk_test_${Buffer.from('clerk.chatwidget.example$').toString('base64')}`;
  const auth = clerkAdminAuth({ secretKey: 'sk_test_local', publishableKey, jwtKey, authorizedParties: [DASHBOARD_ORIGIN] });

  async function token(
    claims: {
      userId: string;
      orgId?: string;
      role?: 'admin' | 'member';
      azp?: string;
      expiresIn?: number;
      /** Custom session-token claims (an organization adds e.g. `name` in Clerk's dashboard). */
      extra?: Record<string, unknown>;
    },
    key = privateKey,
  ) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      sid: `sess_${claims.userId}`,
      azp: claims.azp ?? DASHBOARD_ORIGIN,
      v: 2,
      ...claims.extra,
      ...(claims.orgId ? { o: { id: claims.orgId, rol: claims.role ?? 'admin', slg: claims.orgId } } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'ins_test' })
      .setSubject(claims.userId)
      .setIssuer('https://clerk.chatwidget.example')
      .setIssuedAt(now - 5)
      .setNotBefore(now - 5)
      .setExpirationTime(now + (claims.expiresIn ?? 120))
      .sign(key);
  }
  /** The sessions a route's access rules are tested with: an admin and a member of org_a, and an admin of org_b. */
  async function orgSessions() {
    return {
      admin: await token({ userId: 'user_a', orgId: 'org_a', role: 'admin' }),
      member: await token({ userId: 'user_m', orgId: 'org_a', role: 'member' }),
      otherAdmin: await token({ userId: 'user_b', orgId: 'org_b', role: 'admin' }),
    };
  }
  return { auth, publishableKey, token, orgSessions, wrongKey: other.privateKey };
}
