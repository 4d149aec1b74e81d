// Generates tests/data/tc_strings.json: real TC strings encoded by the IAB's
// @iabtcf/core, one per branch of the consent decision table.
//   cd scripts/tcf && npm install && node gen_tc_strings.mjs
import { writeFileSync } from 'node:fs';
import { TCModel, TCString, GVL, PurposeRestriction, RestrictionType } from '@iabtcf/core';

// Every odd id: too many ranges, so the encoder must choose a bit field.
const DENSE = [...Array(760).keys()].map((i) => i + 1).filter((v) => v % 2 === 1);
const VENDORS = [...new Set([...DENSE, 999, 1200])];
const gvl = new GVL({
  gvlSpecificationVersion: 3, vendorListVersion: 150, tcfPolicyVersion: 4,
  lastUpdated: '2026-01-01T00:00:00Z',
  purposes: Object.fromEntries([...Array(11).keys()].map((i) => [i + 1, { id: i + 1, name: `p${i + 1}`, description: '', illustrations: [] }])),
  specialPurposes: {}, features: {}, stacks: {}, dataCategories: {},
  specialFeatures: { 1: { id: 1, name: 'sf1', description: '' }, 2: { id: 2, name: 'sf2', description: '' } },
  vendors: Object.fromEntries(VENDORS.map((id) => [id, {
    id, name: `v${id}`, purposes: [1, 2, 3, 4], legIntPurposes: [2, 7], flexiblePurposes: [2, 3, 4],
    specialPurposes: [], features: [], specialFeatures: [], usesCookies: true, cookieRefresh: false,
    usesNonCookieAccess: false, urls: [], dataRetention: { stdRetention: 1, purposes: {}, specialPurposes: {} },
    dataDeclaration: [],
  }])),
});

const R = { not_allowed: RestrictionType.NOT_ALLOWED, require_consent: RestrictionType.REQUIRE_CONSENT, require_li: RestrictionType.REQUIRE_LI };

// expect = [serve, update profile, use profile] for our vendor 755.
const cases = [
  { name: 'all_consent_range', pc: [1, 2, 3, 4], vc: [755, 999], expect: [true, true, true] },
  { name: 'all_consent_bitfield', pc: [1, 2, 3, 4, 7], vc: DENSE, vli: [1, 2, 3], expect: [true, true, true] },
  { name: 'basic_ads_only', pc: [1, 2], vc: [755], expect: [true, false, false] },
  { name: 'profile_no_selection', pc: [1, 2, 3], vc: [755], expect: [true, true, false] },
  { name: 'selection_no_profile', pc: [1, 2, 4], vc: [755], expect: [true, false, true] },
  { name: 'li_for_basic_ads', pc: [1, 3, 4], pli: [2], vc: [755], vli: [755], expect: [true, true, true] },
  { name: 'li_for_3_and_4_is_not_enough', pc: [1], pli: [2, 3, 4], vc: [], vli: [755], expect: [true, false, false] },
  { name: 'no_vendor_consent', pc: [1, 2, 3, 4], vc: [999, 1200], expect: [false, false, false] },
  { name: 'nothing', pc: [], vc: [], expect: [false, false, false] },
  { name: 'restriction_not_allowed_p4', pc: [1, 2, 3, 4], vc: [755], restrictions: [[4, 'not_allowed', [755]]], expect: [true, true, false] },
  { name: 'restriction_other_vendor', pc: [1, 2, 3, 4], vc: [755, 999], restrictions: [[4, 'not_allowed', [999]]], expect: [true, true, true] },
  { name: 'restriction_require_consent_p2', pc: [1, 3], pli: [2], vc: [755], vli: [755], restrictions: [[2, 'require_consent', [755]]], expect: [false, true, false] },
  { name: 'restriction_require_li_p3', pc: [1, 2, 3, 4], vc: [755], restrictions: [[3, 'require_li', [755, 999]]], expect: [true, false, true] },
  { name: 'special_features', pc: [1, 2, 3, 4], vc: [755], sf: [1, 2], expect: [true, true, true] },
];

const out = cases.map((c) => {
  const m = new TCModel(gvl);
  m.cmpId = 10; m.cmpVersion = 2; m.consentScreen = 1; m.publisherCountryCode = 'FR';
  m.created = new Date('2026-11-01T00:00:00Z'); m.lastUpdated = new Date('2026-11-02T00:00:00Z');
  m.purposeConsents.set(c.pc);
  if (c.pli) m.purposeLegitimateInterests.set(c.pli);
  m.vendorConsents.set(c.vc);
  if (c.vli) m.vendorLegitimateInterests.set(c.vli);
  if (c.sf) m.specialFeatureOptins.set(c.sf);
  for (const [p, type, vendors] of c.restrictions ?? []) {
    for (const v of vendors) m.publisherRestrictions.add(v, new PurposeRestriction(p, R[type]));
  }
  return { name: c.name, tc: TCString.encode(m), vendor_id: 755, expect: { serve: c.expect[0], update: c.expect[1], use: c.expect[2] } };
});
writeFileSync(new URL('../../tests/data/tc_strings.json', import.meta.url), JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${out.length} TC strings`);
