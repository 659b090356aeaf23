export * from './aiofs-options.interface';
