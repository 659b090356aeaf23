export * from './core';
export * from './backends';
