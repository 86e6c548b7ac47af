import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface AuthorHead {
  author: Uint8Array<ArrayBuffer>
  seq: number
  head: Uint8Array<ArrayBuffer>
  checkpoint?: number
}

export namespace AuthorHead {
  let _codec: Codec<AuthorHead>

  export const codec = (): Codec<AuthorHead> => {
    if (_codec == null) {
      _codec = message<AuthorHead>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.author)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.head != null && obj.head.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.head)
        }

        if (obj.checkpoint != null) {
          w.uint32(32)
          w.uint64Number(obj.checkpoint)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          author: uint8ArrayAlloc(0),
          seq: 0,
          head: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.author = reader.bytes()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.head = reader.bytes()
              break
            }
            case 4: {
              obj.checkpoint = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.head`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.checkpoint`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AuthorHeadAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuthorHeadSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface AuthorHeadHeadFieldEvent {
    field: '$.head'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuthorHeadCheckpointFieldEvent {
    field: '$.checkpoint'
    value: number
  }

  export function encode (obj: Partial<AuthorHead>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AuthorHead.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuthorHead>): AuthorHead {
    return decodeMessage(buf, AuthorHead.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuthorHead>): Generator<AuthorHeadAuthorFieldEvent | AuthorHeadSeqFieldEvent | AuthorHeadHeadFieldEvent | AuthorHeadCheckpointFieldEvent> {
    return streamMessage(buf, AuthorHead.codec(), opts)
  }
}

export interface SyncFrame {
  kind: SyncFrame.Kind
  pipelines: string[]
  pipeline: string
  entries: Uint8Array<ArrayBuffer>[]
  heads: AuthorHead[]
  last: boolean
  salt: Uint8Array<ArrayBuffer>
  offers: Uint8Array<ArrayBuffer>[]
}

export namespace SyncFrame {
  export enum Kind {
    NONE = 'NONE',
    HELLO = 'HELLO',
    BATCH = 'BATCH',
    DONE = 'DONE',
    ACK = 'ACK',
    VECTOR = 'VECTOR',
    CHECKPOINT = 'CHECKPOINT'
  }

  enum __KindValues {
    NONE = 0,
    HELLO = 1,
    BATCH = 2,
    DONE = 3,
    ACK = 4,
    VECTOR = 5,
    CHECKPOINT = 6
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<SyncFrame>

  export const codec = (): Codec<SyncFrame> => {
    if (_codec == null) {
      _codec = message<SyncFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          SyncFrame.Kind.codec().encode(obj.kind, w)
        }

        if (obj.pipelines != null && obj.pipelines.length > 0) {
          for (const value of obj.pipelines) {
            w.uint32(18)
            w.string(value)
          }
        }

        if ((obj.pipeline != null && obj.pipeline !== '')) {
          w.uint32(26)
          w.string(obj.pipeline)
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if (obj.heads != null && obj.heads.length > 0) {
          for (const value of obj.heads) {
            w.uint32(42)
            AuthorHead.codec().encode(value, w)
          }
        }

        if ((obj.last != null && obj.last !== false)) {
          w.uint32(48)
          w.bool(obj.last)
        }

        if ((obj.salt != null && obj.salt.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.salt)
        }

        if (obj.offers != null && obj.offers.length > 0) {
          for (const value of obj.offers) {
            w.uint32(66)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.NONE,
          pipelines: [],
          pipeline: '',
          entries: [],
          heads: [],
          last: false,
          salt: uint8ArrayAlloc(0),
          offers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = SyncFrame.Kind.codec().decode(reader)
              break
            }
            case 2: {
              if (opts.limits?.pipelines != null && obj.pipelines.length === opts.limits.pipelines) {
                throw new MaxLengthError('Decode error - repeated field "pipelines" had too many elements')
              }

              obj.pipelines.push(reader.string())
              break
            }
            case 3: {
              obj.pipeline = reader.string()
              break
            }
            case 4: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(reader.bytes())
              break
            }
            case 5: {
              if (opts.limits?.heads != null && obj.heads.length === opts.limits.heads) {
                throw new MaxLengthError('Decode error - repeated field "heads" had too many elements')
              }

              obj.heads.push(AuthorHead.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.heads$
              }))
              break
            }
            case 6: {
              obj.last = reader.bool()
              break
            }
            case 7: {
              obj.salt = reader.bytes()
              break
            }
            case 8: {
              if (opts.limits?.offers != null && obj.offers.length === opts.limits.offers) {
                throw new MaxLengthError('Decode error - repeated field "offers" had too many elements')
              }

              obj.offers.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          pipelines: 0,
          entries: 0,
          heads: 0,
          offers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: SyncFrame.Kind.codec().decode(reader)
              }
              break
            }
            case 2: {
              if (opts.limits?.pipelines != null && obj.pipelines === opts.limits.pipelines) {
                throw new MaxLengthError('Streaming decode error - repeated field "pipelines" had too many elements')
              }

              yield {
                field: `${prefix}.pipelines[]`,
                index: obj.pipelines,
                value: reader.string()
              }

              obj.pipelines++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.pipeline`,
                value: reader.string()
              }
              break
            }
            case 4: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              yield {
                field: `${prefix}.entries[]`,
                index: obj.entries,
                value: reader.bytes()
              }

              obj.entries++

              break
            }
            case 5: {
              if (opts.limits?.heads != null && obj.heads === opts.limits.heads) {
                throw new MaxLengthError('Streaming decode error - repeated field "heads" had too many elements')
              }

              for (const evt of AuthorHead.codec().stream(reader, reader.uint32(), `${prefix}.heads[]`, {
                limits: opts.limits?.heads$
              })) {
                yield {
                  ...evt,
                  index: obj.heads
                }
              }

              obj.heads++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.last`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.salt`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              if (opts.limits?.offers != null && obj.offers === opts.limits.offers) {
                throw new MaxLengthError('Streaming decode error - repeated field "offers" had too many elements')
              }

              yield {
                field: `${prefix}.offers[]`,
                index: obj.offers,
                value: reader.bytes()
              }

              obj.offers++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncFrameKindFieldEvent {
    field: '$.kind'
    value: SyncFrame.Kind
  }

  export interface SyncFramePipelinesFieldEvent {
    field: '$.pipelines[]'
    index: number
    value: string
  }

  export interface SyncFramePipelineFieldEvent {
    field: '$.pipeline'
    value: string
  }

  export interface SyncFrameEntriesFieldEvent {
    field: '$.entries[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncFrameHeadsAuthorFieldEvent {
    field: '$.heads[].author'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SyncFrameHeadsSeqFieldEvent {
    field: '$.heads[].seq'
    value: number
    index: number
  }

  export interface SyncFrameHeadsHeadFieldEvent {
    field: '$.heads[].head'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SyncFrameHeadsCheckpointFieldEvent {
    field: '$.heads[].checkpoint'
    value: number
    index: number
  }

  export interface SyncFrameLastFieldEvent {
    field: '$.last'
    value: boolean
  }

  export interface SyncFrameSaltFieldEvent {
    field: '$.salt'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncFrameOffersFieldEvent {
    field: '$.offers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SyncFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncFrame>): SyncFrame {
    return decodeMessage(buf, SyncFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncFrame>): Generator<SyncFrameKindFieldEvent | SyncFramePipelinesFieldEvent | SyncFramePipelineFieldEvent | SyncFrameEntriesFieldEvent | SyncFrameHeadsAuthorFieldEvent | SyncFrameHeadsSeqFieldEvent | SyncFrameHeadsHeadFieldEvent | SyncFrameHeadsCheckpointFieldEvent | SyncFrameLastFieldEvent | SyncFrameSaltFieldEvent | SyncFrameOffersFieldEvent> {
    return streamMessage(buf, SyncFrame.codec(), opts)
  }
}
