import type { NextFunction, Request, Response } from 'express';
import type { VisitorClaims, VisitorIdentity, VisitorTokens } from '../../domain/visitorTokens.js';
import { unauthorized } from '../../lib/AppError.js';

export const bearerToken = (req: Request): string | undefined => {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S{1,4096})$/i.exec(header);
  return match?.[1];
};

/** Requires a validly signed visitor token; its claims are in `res.locals.visitor` (admitted by the widget routes). */
export function requireVisitor(tokens: VisitorTokens) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (!token) throw unauthorized('A visitor token is required');
    res.locals.visitor = await tokens.verify(token);
    next();
  };
}

export const visitorOf = (res: Response): VisitorIdentity => res.locals.visitor as VisitorIdentity;

export const visitorClaimsOf = (res: Response): VisitorClaims => res.locals.visitor as VisitorClaims;
