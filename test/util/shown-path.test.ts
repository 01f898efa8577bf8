import { describe, expect, it } from 'vitest';
import { shownPath } from '../../src/util/shown-path.js';

describe('shownPath (how every report and message names a path)', () => {
  it('is relative at or below the working directory, absolute elsewhere', () => {
    expect(shownPath('/w/repo', '/w/repo')).toBe('.');
    expect(shownPath('/w/repo/k8s/pod.yaml', '/w/repo')).toBe('k8s/pod.yaml');
    // A folder whose name starts with two dots is still below.
    expect(shownPath('/w/repo/..cache/x.env', '/w/repo')).toBe('..cache/x.env');
    expect(shownPath('/w', '/w/repo')).toBe('/w');
    expect(shownPath('/w/other/pod.yaml', '/w/repo')).toBe('/w/other/pod.yaml');
    expect(shownPath('/tmp', '/w/repo')).toBe('/tmp');
  });
});
