export * from './core';
export * from './backends';
export * from './nest';
