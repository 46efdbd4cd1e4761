import { atLeast, type AuthContext, type WorkflowAccess } from '../auth/access.js';
import type { Role } from '../auth/roles.js';
import type { ReviewRecord } from './review-record.js';

/**
 * One rule for reviews and the runs they belong to. A user may decide a review when they hold `review.decide` and
 * the gate names them — by user name, or by role (the escalation roles once it escalated) **and** the workflow is
 * shared with them. A role alone is not enough: every 確認医 would otherwise open the patient's sources of
 * workflows never shared with them. Whoever may decide may also open the review and, from then on, that run's
 * result (the form they approved). The one who started the run, editors and owners of the workflow (who see its
 * runs anyway) and administrators may open it too, without deciding.
 */
export function mayDecideReview(auth: AuthContext, review: Pick<ReviewRecord, 'reviewers' | 'escalation' | 'escalatedAt'>, access: WorkflowAccess): boolean {
  if (!auth.permissions.has('review.decide')) return false;
  if (review.reviewers.users.includes(auth.user.username)) return true;
  const hasRole = (roles: Role[]) => auth.user.roles.some((r) => roles.includes(r));
  const byRole = hasRole(review.reviewers.roles) || (!!review.escalatedAt && hasRole(review.escalation.roles));
  return byRole && access !== 'none';
}

export function mayViewReview(auth: AuthContext, review: Pick<ReviewRecord, 'reviewers' | 'escalation' | 'escalatedAt' | 'startedBy'>, access: WorkflowAccess): boolean {
  return mayDecideReview(auth, review, access) || review.startedBy === auth.user.id || atLeast(access, 'edit') || auth.user.roles.includes('admin');
}
