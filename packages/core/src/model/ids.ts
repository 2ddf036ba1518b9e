// Branded ids: a BlobHash cannot be passed where an AssetId is expected without saying so.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** SHA-256 of a blob's bytes, lowercase hex. */
export type BlobHash = Brand<string, 'BlobHash'>;
/** An asset's id: the SHA-256 of its primary original (DESIGN §2), so equal bytes make equal ids. */
export type AssetId = Brand<string, 'AssetId'>;
export type AlbumId = Brand<string, 'AlbumId'>;
export type DeviceId = Brand<string, 'DeviceId'>;
export type UserId = Brand<string, 'UserId'>;
/** Client-made, globally unique; the key that makes every op idempotent. */
export type OpId = Brand<string, 'OpId'>;
/** A content version is named by the op that created it. */
export type VersionId = Brand<string, 'VersionId'>;

export const asBlobHash = (value: string): BlobHash => value as BlobHash;
export const asAssetId = (value: string): AssetId => value as AssetId;
export const asAlbumId = (value: string): AlbumId => value as AlbumId;
export const asDeviceId = (value: string): DeviceId => value as DeviceId;
export const asUserId = (value: string): UserId => value as UserId;
export const asOpId = (value: string): OpId => value as OpId;
export const versionIdOf = (opId: OpId): VersionId => opId as string as VersionId;
