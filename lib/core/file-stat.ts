export interface FileStat {
  path: string;
  size: number;
  modifiedAt?: Date;
  etag?: string;
}
