/**
 * The "Deploy" section of a new show's README. The commands name the podsite version that made the
 * show, so that a host builds with the podsite the show was checked with, not whatever is newest.
 */
export function deployGuide(podsiteVersion: string): string {
  const build = `npx --yes podsite@${podsiteVersion} build`;
  return `## Deploy to any static host

\`podsite build\` writes the whole site into \`dist/\`: plain files that any static host serves. Build
once on your machine and commit \`podsite.lock\` before the first deployment, so that a build
elsewhere keeps the GUIDs you published.

### GitHub Pages

In the repository's settings, under Pages, choose "GitHub Actions" as the source; set \`url\` in
\`podsite.yaml\` to the site's address (\`https://<user>.github.io/<repository>/\` unless you use a
domain of your own). Then add \`.github/workflows/publish.yml\`. It keeps podsite's build cache
(\`.podsite-cache/\`) from one run to the next, so that a deployment renders only the episodes that
changed since the last one:

\`\`\`yaml
name: Publish
on:
  push:
    branches: [main]
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: false
jobs:
  publish:
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: \${{ steps.deployment.outputs.page_url }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - uses: actions/cache@v4
        with:
          path: .podsite-cache
          key: podsite-${podsiteVersion}-\${{ github.sha }}
          restore-keys: podsite-${podsiteVersion}-
      - run: ${build}
      - uses: actions/upload-pages-artifact@v3
        with:
          path: dist
      - id: deployment
        uses: actions/deploy-pages@v4
\`\`\`

### Netlify

Connect the repository and add \`netlify.toml\`:

\`\`\`toml
[build]
  command = "${build}"
  publish = "dist"

[build.environment]
  NODE_VERSION = "20"
\`\`\`

### An S3 bucket (or any S3-compatible storage)

With static website hosting on the bucket, or a CDN such as CloudFront in front of it:

\`\`\`sh
npx podsite build
aws s3 sync dist/ s3://my-show-bucket/ --delete
\`\`\`

\`--delete\` removes the pages of episodes you removed; the AWS CLI sets each file's type from its
extension.

### Your own server, with rsync

\`\`\`sh
npx podsite build
rsync -avz --delete dist/ me@example.com:/var/www/my-show/
\`\`\`

The slash after \`dist/\` copies what is inside the folder rather than the folder itself.
`;
}
