import type { FuzzCategory } from './case.ts';
import { buffers } from './cases/buffers.ts';
import { dispose } from './cases/dispose.ts';
import { files } from './cases/files.ts';
import { ops } from './cases/ops.ts';
import { races } from './cases/races.ts';
import { soak } from './cases/soak.ts';
export const categories: readonly FuzzCategory[] = [ops, files, dispose, buffers, races, soak];
