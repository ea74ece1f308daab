import type { Formatter } from './types.js';
export const formatHtml: Formatter = () => '';
