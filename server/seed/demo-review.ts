import type { SeedWriter } from './seed-writer.js';

/** The review chain above the demo county: the city that reviews it, and the province above the city. */
export const DEMO_PROVINCE = { code: 'demo-province', name: '示例省' } as const;
export const DEMO_CITY = { code: 'demo-city', name: '示例市' } as const;

/**
 * Puts the demo county under 示例市 in 示例省, so that the review chain (县级自评 → 地市复核 → 省级督导评估) can be
 * shown with the `city.reviewer` and `province.reviewer` logins. Returns the regions of the chain by name
 * (the county's too), for the featured logins whose scope names one. Idempotent, like the rest of the seed.
 */
export async function writeDemoReviewChain(write: SeedWriter, county: { id: number; name: string }): Promise<Map<string, number>> {
  const provinceId = await write.chainRegion(DEMO_PROVINCE.code, DEMO_PROVINCE.name, 'province', null);
  const cityId = await write.chainRegion(DEMO_CITY.code, DEMO_CITY.name, 'city', provinceId);
  await write.placeUnder(county.id, cityId);
  return new Map([
    [DEMO_PROVINCE.name, provinceId],
    [DEMO_CITY.name, cityId],
    [county.name, county.id],
  ]);
}
