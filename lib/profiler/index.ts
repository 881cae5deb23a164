/**
 * torch.profiler: which ops ran, how long, on which thread, with which shapes and memory, as
 * PyTorch's profiler reports it (`keyAverages().table()`, Chrome traces, schedules).
 * @module
 */
export { profile, recordFunction, Profile, ProfilerActivity } from './profile.js';
export type { ProfileOptions } from './profile.js';
export { schedule, tensorboardTraceHandler } from './schedule.js';
export type { ProfilerAction, Schedule, ScheduleOptions, TraceSource } from './schedule.js';
export { KeyAverages, formatTime, formatMemory } from './key-averages.js';
export type { EventAverage, SortBy, TableOptions, KeyAveragesOptions } from './key-averages.js';
export type { ProfilerEvent, ProfilerEventKind } from './events.js';
export type { ChromeTrace, TraceEvent } from './chrome-trace.js';
