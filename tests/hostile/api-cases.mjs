// Hostile callers: what is passed to the API. See cases.mjs.

export const apiCases = [];
