/**
 * HTTP Message Signatures (RFC 9421) with Ed25519, Content-Digest (RFC 9530)
 * and the RFC 8941 structured fields they use. Pure: no Next, no Prisma, no I/O.
 * See docs/signed-requests.md for the wire contract.
 */
export { bodyBytes, computeContentDigest, verifyContentDigest } from "./content-digest";
export type { Body, DigestAlgorithm, DigestCheck } from "./content-digest";
export {
  ED25519_PKCS8_PREFIX,
  ED25519_SPKI_PREFIX,
  Ed25519KeyError,
  generateEd25519Key,
  privateKeyFromPem,
  privateKeyFromSeed,
  publicKeyFromRaw,
  rawPublicKey,
  rawPublicKeyBase64,
  toPrivateKey,
  toPublicKey,
} from "./ed25519-keys";
export type { GeneratedEd25519Key } from "./ed25519-keys";
export {
  buildSignatureBase,
  componentIdentifier,
  componentValue,
  fieldValue,
  SignatureBaseError,
  signatureParamsValue,
} from "./signature-base";
export type { HeaderInput, Message, RequestMessage, ResponseMessage } from "./signature-base";
export { signRequest, signResponse, SigningError } from "./sign";
export type { SignatureHeaders, SignatureOptions, SignRequestInput, SignResponseInput } from "./sign";
export { parseDictionary, parseItem, parseList, strictBase64 } from "./structured-fields-parse";
export {
  serializeBareItem,
  serializeDictionary,
  serializeInnerList,
  serializeItem,
  serializeList,
  serializeParams,
} from "./structured-fields-serialize";
export { Decimal, DEFAULT_LIMITS, innerList, item, StructuredFieldError, Token } from "./structured-fields-types";
export type { BareItem, Dictionary, InnerList, Item, Member, Parameters, ParseLimits } from "./structured-fields-types";
export { verifyRequest, verifyResponse } from "./verify";
export type { VerifyRequestInput, VerifyResponseInput } from "./verify";
export { VERIFY_CHECKS } from "./verify-types";
export type { KeyLookup, LookedUpKey, VerifyCheck, VerifyFailure, VerifyRequestResult, VerifyResult, VerifySuccess } from "./verify-types";
export { SIGNATURE_PROBLEM_TYPE_PREFIX, signatureProblem } from "./problem";
export type { RouteSignatureCheck, SignatureProblem, SignatureProblemCheck } from "./problem";
