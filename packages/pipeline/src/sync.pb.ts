import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface AuthorHead {
  author: Uint8Array<ArrayBuffer>
  seq: number
  head: Uint8Array<ArrayBuffer>
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

  export function encode (obj: Partial<AuthorHead>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AuthorHead.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuthorHead>): AuthorHead {
    return decodeMessage(buf, AuthorHead.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuthorHead>): Generator<AuthorHeadAuthorFieldEvent | AuthorHeadSeqFieldEvent | AuthorHeadHeadFieldEvent> {
    return streamMessage(buf, AuthorHead.codec(), opts)
  }
}

export interface PipelineVector {
  pipeline: string
  heads: AuthorHead[]
}

export namespace PipelineVector {
  let _codec: Codec<PipelineVector>

  export const codec = (): Codec<PipelineVector> => {
    if (_codec == null) {
      _codec = message<PipelineVector>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.pipeline != null && obj.pipeline !== '')) {
          w.uint32(10)
          w.string(obj.pipeline)
        }

        if (obj.heads != null && obj.heads.length > 0) {
          for (const value of obj.heads) {
            w.uint32(18)
            AuthorHead.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          pipeline: '',
          heads: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.pipeline = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.heads != null && obj.heads.length === opts.limits.heads) {
                throw new MaxLengthError('Decode error - repeated field "heads" had too many elements')
              }

              obj.heads.push(AuthorHead.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.heads$
              }))
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
          heads: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.pipeline`,
                value: reader.string()
              }
              break
            }
            case 2: {
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

  export interface PipelineVectorPipelineFieldEvent {
    field: '$.pipeline'
    value: string
  }

  export interface PipelineVectorHeadsAuthorFieldEvent {
    field: '$.heads[].author'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PipelineVectorHeadsSeqFieldEvent {
    field: '$.heads[].seq'
    value: number
    index: number
  }

  export interface PipelineVectorHeadsHeadFieldEvent {
    field: '$.heads[].head'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<PipelineVector>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PipelineVector.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PipelineVector>): PipelineVector {
    return decodeMessage(buf, PipelineVector.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PipelineVector>): Generator<PipelineVectorPipelineFieldEvent | PipelineVectorHeadsAuthorFieldEvent | PipelineVectorHeadsSeqFieldEvent | PipelineVectorHeadsHeadFieldEvent> {
    return streamMessage(buf, PipelineVector.codec(), opts)
  }
}

export interface SyncFrame {
  kind: SyncFrame.Kind
  vectors: PipelineVector[]
  pipeline: string
  entries: Uint8Array<ArrayBuffer>[]
}

export namespace SyncFrame {
  export enum Kind {
    NONE = 'NONE',
    HELLO = 'HELLO',
    BATCH = 'BATCH',
    DONE = 'DONE',
    ACK = 'ACK'
  }

  enum __KindValues {
    NONE = 0,
    HELLO = 1,
    BATCH = 2,
    DONE = 3,
    ACK = 4
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

        if (obj.vectors != null && obj.vectors.length > 0) {
          for (const value of obj.vectors) {
            w.uint32(18)
            PipelineVector.codec().encode(value, w)
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

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.NONE,
          vectors: [],
          pipeline: '',
          entries: []
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
              if (opts.limits?.vectors != null && obj.vectors.length === opts.limits.vectors) {
                throw new MaxLengthError('Decode error - repeated field "vectors" had too many elements')
              }

              obj.vectors.push(PipelineVector.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.vectors$
              }))
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
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          vectors: 0,
          entries: 0
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
              if (opts.limits?.vectors != null && obj.vectors === opts.limits.vectors) {
                throw new MaxLengthError('Streaming decode error - repeated field "vectors" had too many elements')
              }

              for (const evt of PipelineVector.codec().stream(reader, reader.uint32(), `${prefix}.vectors[]`, {
                limits: opts.limits?.vectors$
              })) {
                yield {
                  ...evt,
                  index: obj.vectors
                }
              }

              obj.vectors++

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

  export interface SyncFrameVectorsPipelineFieldEvent {
    field: '$.vectors[].pipeline'
    value: string
    index: number
  }

  export interface SyncFrameVectorsHeadsAuthorFieldEvent {
    field: '$.vectors[].heads[].author'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SyncFrameVectorsHeadsSeqFieldEvent {
    field: '$.vectors[].heads[].seq'
    value: number
    index: number
  }

  export interface SyncFrameVectorsHeadsHeadFieldEvent {
    field: '$.vectors[].heads[].head'
    value: Uint8Array<ArrayBuffer>
    index: number
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

  export function encode (obj: Partial<SyncFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncFrame>): SyncFrame {
    return decodeMessage(buf, SyncFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncFrame>): Generator<SyncFrameKindFieldEvent | SyncFrameVectorsPipelineFieldEvent | SyncFrameVectorsHeadsAuthorFieldEvent | SyncFrameVectorsHeadsSeqFieldEvent | SyncFrameVectorsHeadsHeadFieldEvent | SyncFramePipelineFieldEvent | SyncFrameEntriesFieldEvent> {
    return streamMessage(buf, SyncFrame.codec(), opts)
  }
}
