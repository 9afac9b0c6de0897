export { buildPacket, entryLine, PacketBuildError, proofsFor, type EarlierCheckpoint, type PacketInput, type PolicyDocument } from "./build";
export { MEMBERS, PACKET_FORMAT, type Manifest, type PacketScope } from "./format";
export { readTar, TarError, writeTar } from "./tar";
export { verifyPacket, type PacketFailure, type PacketSummary, type PacketVerification, type VerifyOptions } from "./verify";
