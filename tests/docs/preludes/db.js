// Stand-in for the reader's database (tests/docs: prelude=db).
const db = {
  async user(id) { return { id, name: 'Ada' }; },
  async post(id) { return { id, title: `Post ${id}` }; },
  async saveUser(id, fields) { return { id, ...fields }; },
};
