/**
 * The Trainer's choice of memory layout: convolutional models train in channels-last (NHWC), where
 * LibTorch's oneDNN convolutions and pooling run without reordering (a 2-conv CNN's step at batch
 * 64 takes about half the time: docs/performance.md). 'auto' picks it only for models made of
 * built-in layers, since a custom forward may `view` a conv output, which channels-last forbids.
 * @module
 */
import { Conv2d } from '../nn/layers/conv.js';
import { Sequential } from '../nn/layers/container.js';
import type { Module } from '../nn/module.js';
import { SupervisedModule } from './supervised-module.js';

/** The Trainer's `channelsLast` option. */
export type ChannelsLastMode = 'auto' | boolean;

/** Whether `module` should train in channels-last under `mode`. */
export function choosesChannelsLast(module: Module, mode: ChannelsLastMode): boolean {
  if (mode !== 'auto') return mode && hasConv2d(module);
  if (!(module instanceof SupervisedModule) || module.constructor !== SupervisedModule) return false;
  const model = module.model;
  return model instanceof Sequential && model.nativePlanSteps() !== null && hasConv2d(model);
}

/** Lays `module`'s 4-D parameters and buffers out channels-last when `mode` chooses it; returns whether it did. */
export function applyChannelsLast(module: Module, mode: ChannelsLastMode): boolean {
  if (!choosesChannelsLast(module, mode)) return false;
  module.to({ memoryFormat: 'channels_last' });
  return true;
}

function hasConv2d(module: Module): boolean {
  return [...module.modules()].some((child) => child instanceof Conv2d);
}
