import type { InputHandler } from '../types.js';
import { netfilterTarget } from '../iptables/handler.js';
import { looksLikeNftJson, parseNftJson } from './parse-json.js';
import { looksLikeNftText, parseNftText } from './parse-text.js';

export const nftablesHandler: InputHandler = {
  format: 'nftables',
  items: ['egress-control'],
  detect(file) {
    return looksLikeNftJson(file.text) || looksLikeNftText(file.text);
  },
  parse(file) {
    if (looksLikeNftJson(file.text)) return { targets: [netfilterTarget(file, 'nft-json', [parseNftJson(file.text, file.path)])] };
    return { targets: [netfilterTarget(file, 'nft-text', [parseNftText(file.text, file.path)])] };
  },
};
