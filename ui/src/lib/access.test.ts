import { describe, expect, it } from 'vitest';
import { gates, roleKey, ROLES, type StudyAccess } from './access';
import { en, fr } from './catalogue';

function access(role: StudyAccess['role'], managed = true): StudyAccess {
  const may = (roles: string[]) => managed ? role !== null && roles.includes(role) : true;
  return {
    managed,
    role: managed ? role : null,
    may_edit_records: may(['enumerator', 'supervisor', 'coordinator']),
    may_resolve_conflicts: may(['supervisor', 'coordinator']),
    may_erase_people: may(['supervisor', 'coordinator']),
    may_manage_study: may(['coordinator']),
    may_manage_members: may(['coordinator']),
    may_review_text: may(['supervisor', 'coordinator']),
    key_version: 1,
  };
}

describe('gates', () => {
  it('shows nothing while the access is not known', () => {
    expect(gates(null)).toEqual({ editRecords: false, editStudy: false, members: false, manageMembers: false, reviewText: false });
  });

  it('an analyst sees no edit button and no member management', () => {
    expect(gates(access('analyst'))).toEqual({ editRecords: false, editStudy: false, members: true, manageMembers: false, reviewText: false });
  });

  it('enumerators and supervisors edit records but not the study nor its members; supervisors review text', () => {
    for (const r of ['enumerator', 'supervisor'] as const) {
      const reviewText = r === 'supervisor';
      expect(gates(access(r))).toEqual({ editRecords: true, editStudy: false, members: true, manageMembers: false, reviewText });
    }
  });

  it('a coordinator sees everything', () => {
    expect(gates(access('coordinator'))).toEqual({ editRecords: true, editStudy: true, members: true, manageMembers: true, reviewText: true });
  });

  it('a revoked laptop edits nothing but still sees who the members are', () => {
    expect(gates(access(null))).toEqual({ editRecords: false, editStudy: false, members: true, manageMembers: false, reviewText: false });
  });

  it('a study made before roles behaves as before: everything, and no members section', () => {
    expect(gates(access(null, false))).toEqual({ editRecords: true, editStudy: true, members: false, manageMembers: false, reviewText: true });
  });
});

describe('roles', () => {
  it('offers least privilege first, and every role and revoked have a label in both languages', () => {
    expect(ROLES[0]).toBe('enumerator');
    expect(new Set(ROLES).size).toBe(4);
    for (const r of [...ROLES, null]) {
      expect(fr[roleKey(r)]).toBeTruthy();
      expect(en[roleKey(r)]).toBeTruthy();
    }
  });
});
