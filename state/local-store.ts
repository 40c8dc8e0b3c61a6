import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SlotStore } from "./priority-slots";

/**
 * The slot registry of a `local` state backend: files in `<stateDir>/<env>/`. Exclusive creates
 * use O_EXCL (slot files) and link(2) (records), which fail when the target exists, so two
 * processes on one machine never both win. Reads never create the folder.
 */
export class LocalSlotStore implements SlotStore {
  constructor(readonly dir: string) {}

  async createExclusive(key: string, body: string): Promise<boolean> {
    const file = join(this.dir, key);
    mkdirSync(join(file, ".."), { recursive: true });
    if (key.startsWith("branches/")) {
      // Written in full under a private name, then linked: readers never see a half-written record.
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(temp, body);
      try {
        linkSync(temp, file);
        return true;
      } catch (error) {
        if (isErrno(error, "EEXIST")) return false;
        throw error;
      } finally {
        unlinkSync(temp);
      }
    }
    let fd: number;
    try {
      fd = openSync(file, "wx");
    } catch (error) {
      if (isErrno(error, "EEXIST")) return false;
      throw error;
    }
    try {
      writeSync(fd, body);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  async put(key: string, body: string): Promise<void> {
    const file = join(this.dir, key);
    mkdirSync(join(file, ".."), { recursive: true });
    // Written in full under a private name, then renamed over the old one: readers see the old or the new file, never half of one.
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temp, body);
    try {
      renameSync(temp, file);
    } catch (error) {
      unlinkSync(temp);
      throw error;
    }
  }

  async read(key: string): Promise<string | undefined> {
    try {
      return readFileSync(join(this.dir, key), "utf8");
    } catch (error) {
      if (isErrno(error, "ENOENT")) return undefined;
      throw error;
    }
  }

  async list(dir: string): Promise<readonly string[]> {
    try {
      return readdirSync(join(this.dir, dir))
        .filter((n) => !n.endsWith(".tmp"))
        .sort();
    } catch (error) {
      if (isErrno(error, "ENOENT")) return [];
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    try {
      unlinkSync(join(this.dir, key));
    } catch (error) {
      if (!isErrno(error, "ENOENT")) throw error;
    }
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as NodeJS.ErrnoException).code === code;
}
