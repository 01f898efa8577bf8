import type { Origin } from '../../analyzers/egress/model.js';
import type { YamlDoc } from '../../util/yaml-source.js';
import { InputError } from '../types.js';
import { asArr, asObj, scopeRuleset, type CloudScope, type GcpInstance } from './rules.js';

/**
 * `gcloud compute instances list --format=json` (or `instances describe`): each instance with what GCP
 * firewall rules target — its network tags and service accounts — and the VPC network of nic0.
 */
export function gcpInstances(doc: YamlDoc, file: string): CloudScope[] {
  const list = Array.isArray(doc.value) ? doc.value : [doc.value];
  const base = (i: number): (string | number)[] => (Array.isArray(doc.value) ? [i] : []);
  const line = (p: (string | number)[]): number => doc.positionOf(p).line;
  return list.map((v, i) => {
    const o = asObj(v);
    const p = base(i);
    if (typeof o.name !== 'string' || o.name === '') throw new InputError(file, `${p.length ? `${p.join('.')}: ` : ''}an instance without a name`, line(p));
    const nics = o.networkInterfaces;
    if (!Array.isArray(nics) || nics.length === 0) throw new InputError(file, `${[...p, 'networkInterfaces'].join('.')}: instance ${o.name} lists no network interface`, line([...p, 'networkInterfaces']));
    const network = String(asObj(nics[0]).network ?? '').split('/').pop();
    if (!network) throw new InputError(file, `${[...p, 'networkInterfaces', 0].join('.')}: no network`, line([...p, 'networkInterfaces', 0]));
    const origin: Origin = { file, line: line([...p, 'name']) };
    const vm: GcpInstance = {
      name: o.name,
      ...(o.id !== undefined ? { id: String(o.id) } : {}),
      network,
      tags: asArr(asObj(o.tags).items).map(String),
      serviceAccounts: asArr(o.serviceAccounts).map((s) => String(asObj(s).email ?? '')).filter(Boolean),
      origin,
    };
    const label = `GCP instance ${vm.name}`;
    return { label, id: vm.name, ...(vm.id ? { name: vm.id } : {}), kind: 'gcp-vm', ruleset: scopeRuleset(file, label, [], 'accept', origin), vm };
  });
}
