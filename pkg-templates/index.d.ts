// 'edgecache': the memory tier. Its types live in memory.d.ts (the types of memory.js).
export * from './memory.js';
