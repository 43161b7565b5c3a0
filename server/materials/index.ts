import type { TongkeDb } from '../db/store.js';
import type { Places } from '../organisation/places.js';
import { TeachingRepository } from '../teaching/repository.js';
import { TeachingService } from '../teaching/service.js';
import { MaterialsRepository } from './repository.js';
import { MaterialsService } from './service.js';

/** The materials service with its repositories, for the routes of materials and of the reports that count them. */
export function materialsService(db: TongkeDb, places: Places): MaterialsService {
  return new MaterialsService(new MaterialsRepository(db), places, new TeachingService(new TeachingRepository(db), places).planner);
}
