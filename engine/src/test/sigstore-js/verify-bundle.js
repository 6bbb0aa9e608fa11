// Checks a Sigstore bundle the engine wrote with sigstore-js (@sigstore/verify), an implementation independent of the
// engine: the DSSE signature against the given public key, with no trusted root and no transparency log (bundles
// made here have none, like cosign's with --tlog-upload=false). On success prints the signed statement's predicate
// type and subject digests as JSON and exits 0; on failure prints the verifier's error and exits 1.
//   node verify-bundle.js <bundle.json> <public-key.pem>
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { toSignedEntity, toTrustMaterial, Verifier } = require('@sigstore/verify');

const [bundlePath, keyPath] = process.argv.slice(2);
const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
const publicKey = crypto.createPublicKey(fs.readFileSync(keyPath, 'utf8'));
const keyFinder = () => ({ publicKey, validFor: () => true });
const noRoot = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
};
const verifier = new Verifier(toTrustMaterial(noRoot, keyFinder),
  { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
try {
  verifier.verify(toSignedEntity(bundle));
} catch (e) {
  console.log(`REJECTED ${e.code || e.name}: ${e.message}`);
  process.exit(1);
}
if (bundle.content.$case !== 'dsseEnvelope') {
  console.log(JSON.stringify({ verified: true, content: bundle.content.$case }));
  process.exit(0);
}
const envelope = bundle.content.dsseEnvelope;
const statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
console.log(JSON.stringify({
  verified: true,
  payloadType: envelope.payloadType,
  predicateType: statement.predicateType,
  subjects: statement.subject.map((s) => s.digest),
}));
