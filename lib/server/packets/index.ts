export {
  earlierCheckpoints,
  exportPacket,
  exportPacketAction,
  refusalOf,
  LOG_MISMATCH_MESSAGE,
  MAX_EARLIER_CHECKPOINTS,
  PacketExportError,
  packetFileName,
  profileNotFoundMessage,
  tenantNotFoundMessage,
  type ExportedPacket,
  type PacketRefusal,
} from "./export";
export { type PacketScopeIds } from "./collect";
