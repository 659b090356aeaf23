import { Injectable } from '@nestjs/common';
import { FileLikeSystem, InjectFileSystem } from 'aiofs';

@Injectable()
export class FilesService {
  constructor(
    readonly files: FileLikeSystem,
    @InjectFileSystem('cache') readonly cache: FileLikeSystem,
    @InjectFileSystem('scratch') readonly scratch: FileLikeSystem,
  ) {}

  async publish(name: string, body: string): Promise<string> {
    await this.files.writeFile(`reports/${name}`, body);
    await this.cache.writeFile(`rendered/${name}`, body.toUpperCase());
    await this.scratch.writeFile(`drafts/${name}`, body);
    return (await this.files.readFile(`reports/${name}`, { start: 0, end: 5 })).toString();
  }
}
