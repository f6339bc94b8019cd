// What this laptop's role lets it do in a study, as the screens use it: which buttons show.
// The core decides (StudyAccess, from the study's signed roster) and refuses anyway on write;
// the screens only hide what would be refused. A study made before roles allows everything.
import type { Role } from './bindings/Role';
import type { StudyAccess } from './bindings/StudyAccess';

export type { Role, StudyAccess };

/** The roles in the order a select offers them: least privilege first, analyst last. */
export const ROLES: readonly Role[] = ['enumerator', 'supervisor', 'coordinator', 'analyst'];

/** What a study's screens show, given this laptop's access (null: not known yet, show nothing). */
export type Gates = {
  /** New session, new recommendation, edit and delete records of the study. */
  editRecords: boolean;
  /** Edit or delete the study's own record. */
  editStudy: boolean;
  /** The members section (a study with a roster). */
  members: boolean;
  /** Invite, change a member's role, revoke. */
  manageMembers: boolean;
  /** Tick "text reviewed" on notes, findings and recommendations (supervisors). */
  reviewText: boolean;
};

export function gates(access: StudyAccess | null): Gates {
  if (!access) return { editRecords: false, editStudy: false, members: false, manageMembers: false, reviewText: false };
  return {
    editRecords: access.may_edit_records,
    editStudy: access.may_manage_study,
    members: access.managed,
    manageMembers: access.managed && access.may_manage_members,
    reviewText: access.may_review_text,
  };
}

/** The catalogue key naming a member's role, or that it was revoked. */
export function roleKey(role: Role | null): `role.${Role}` | 'role.revoked' {
  return role ? `role.${role}` : 'role.revoked';
}
