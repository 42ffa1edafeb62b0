// The blog of examples/blog/blog.c, in Sequelize v6: run with `node blog.js [URL]`
// (default sqlite::memory:); it prints the same lines as the C program.
const { Sequelize, DataTypes } = require('sequelize');
const db = new Sequelize(process.argv[2] || 'sqlite::memory:', { logging: false });

const User = db.define('user', {
  username: { type: DataTypes.STRING, allowNull: false, unique: true },
  active: { type: DataTypes.BOOLEAN, defaultValue: true },
});
const Profile = db.define('profile', { bio: DataTypes.TEXT });
const Post = db.define('post', {
  title: { type: DataTypes.STRING, allowNull: false },
  body: DataTypes.TEXT,
});
const Comment = db.define('comment', { text: DataTypes.TEXT });
const Tag = db.define('tag', { name: { type: DataTypes.STRING, unique: true } });
const PostTag = db.define('postTag', { weight: { type: DataTypes.INTEGER, defaultValue: 1 } });

User.hasOne(Profile);
Profile.belongsTo(User);
User.hasMany(Post, { as: 'posts', foreignKey: 'authorId' });
Post.belongsTo(User, { as: 'author', foreignKey: 'authorId' });
Post.hasMany(Comment);
Comment.belongsTo(Post);
Comment.belongsTo(User, { as: 'commenter', foreignKey: 'commenterId' });
Post.belongsToMany(Tag, { through: PostTag });
Tag.belongsToMany(Post, { through: PostTag });
User.belongsToMany(User, {
  as: 'followers', through: 'follows', foreignKey: 'followedId', otherKey: 'followerId',
});
User.belongsToMany(User, {
  as: 'following', through: 'follows', foreignKey: 'followerId', otherKey: 'followedId',
});

async function main() {
  await db.sync({ force: true });
  const ada = await User.create(
    { username: 'ada', profile: { bio: 'Writes about engines' } },
    { include: [Profile] },
  );
  const bob = await User.create({ username: 'bob' });
  const cy = await User.create({ username: 'cy', active: false });
  const [c, sql, orm] = await Tag.bulkCreate([{ name: 'c' }, { name: 'sql' }, { name: 'orm' }]);

  const engines = await ada.createPost({ title: 'Engines', body: 'On the analytical engine' });
  await ada.createPost({ title: 'Notes' });
  const hello = await bob.createPost({ title: 'Hello' });
  await engines.addTag(c, { through: { weight: 3 } });
  await engines.addTag(sql);
  await hello.addTag(orm, { through: { weight: 2 } });
  await engines.createComment({ text: 'Great read', commenterId: bob.id });
  await engines.createComment({ text: 'Agreed', commenterId: cy.id });
  await hello.createComment({ text: 'Welcome!', commenterId: ada.id });
  await ada.addFollower(bob);
  await ada.addFollower(cy);
  await bob.addFollower(ada);

  const profile = await ada.getProfile();
  console.log(`ada's bio: ${profile.bio}`);
  const none = await bob.getProfile();
  console.log(`bob's profile: ${none ? none.bio : 'none'}`);
  const author = await hello.getAuthor();
  console.log(`"${hello.title}" is by ${author.username}`);
  const [adaBob, cyBob] = [await bob.hasFollower(ada), await bob.hasFollower(cy)];
  console.log(`ada follows bob: ${adaBob}, cy follows bob: ${cyBob}`);
  console.log(`ada has ${await ada.countFollowers()} followers`);
  await ada.removeFollower(cy);
  const followers = await ada.getFollowers({ order: [['username', 'ASC']] });
  console.log(`after cy leaves: ${followers.map((f) => f.username).join(', ')}`);
  await cy.reload();
  console.log(`cy is active: ${cy.active}`);

  const users = await User.findAll({
    include: [{
      model: Post, as: 'posts',
      include: [{ model: Comment, include: [{ model: User, as: 'commenter' }] }, Tag],
    }],
    order: [
      ['id'],
      [{ model: Post, as: 'posts' }, 'id'],
      [{ model: Post, as: 'posts' }, Comment, 'id'],
      [{ model: Post, as: 'posts' }, Tag, 'name'],
    ],
  });
  for (const user of users) {
    console.log(`${user.username} (${user.posts.length} posts)`);
    for (const post of user.posts) {
      const tags = post.tags.map((t) => `${t.name} x${t.postTag.weight}`);
      console.log(`  ${post.title} [${tags.join(', ')}]`);
      for (const comment of post.comments) {
        console.log(`    ${comment.commenter.username}: ${comment.text}`);
      }
    }
  }
  await db.close();
}

main().catch((err) => { console.error(err); process.exit(1); });
