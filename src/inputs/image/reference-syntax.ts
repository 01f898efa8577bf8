/**
 * Docker's reference grammar (distribution/reference): `[domain[:port]/]path[:tag][@algo:hex]`, with
 * lowercase path components. An argument that is neither an existing path nor such a reference (`./x.tar`,
 * `/tmp/x.tar`, `Worker.tar`) is a missing file: it must not be sent to the engine, whose URL router
 * answers a redirect for names like `./x` instead of "no such image".
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

export function isImageReference(text: string): boolean {
  return text.length <= 255 + 128 + 80 && REFERENCE.test(text);
}
