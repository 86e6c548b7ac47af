import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Entry {
  version: number
  network: string
  pipeline: string
  author: Uint8Array<ArrayBuffer>
  authorName: string
  nameSignature: Uint8Array<ArrayBuffer>
  seq: number
  prev: Uint8Array<ArrayBuffer>
  time: number
  counter: number
  flags: number
  keyEpoch: number
  payload: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace Entry {
  let _codec: Codec<Entry>

  export const codec = (): Codec<Entry> => {
    if (_codec == null) {
      _codec = message<Entry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.network != null && obj.network !== '')) {
          w.uint32(18)
          w.string(obj.network)
        }

        if ((obj.pipeline != null && obj.pipeline !== '')) {
          w.uint32(26)
          w.string(obj.pipeline)
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.author)
        }

        if ((obj.authorName != null && obj.authorName !== '')) {
          w.uint32(42)
          w.string(obj.authorName)
        }

        if ((obj.nameSignature != null && obj.nameSignature.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.nameSignature)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.seq)
        }

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.prev)
        }

        if ((obj.time != null && obj.time !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.time)
        }

        if ((obj.counter != null && obj.counter !== 0)) {
          w.uint32(80)
          w.uint32(obj.counter)
        }

        if ((obj.flags != null && obj.flags !== 0)) {
          w.uint32(88)
          w.uint32(obj.flags)
        }

        if ((obj.keyEpoch != null && obj.keyEpoch !== 0)) {
          w.uint32(96)
          w.uint32(obj.keyEpoch)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(106)
          w.bytes(obj.payload)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          network: '',
          pipeline: '',
          author: uint8ArrayAlloc(0),
          authorName: '',
          nameSignature: uint8ArrayAlloc(0),
          seq: 0,
          prev: uint8ArrayAlloc(0),
          time: 0,
          counter: 0,
          flags: 0,
          keyEpoch: 0,
          payload: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.network = reader.string()
              break
            }
            case 3: {
              obj.pipeline = reader.string()
              break
            }
            case 4: {
              obj.author = reader.bytes()
              break
            }
            case 5: {
              obj.authorName = reader.string()
              break
            }
            case 6: {
              obj.nameSignature = reader.bytes()
              break
            }
            case 7: {
              obj.seq = reader.uint64Number()
              break
            }
            case 8: {
              obj.prev = reader.bytes()
              break
            }
            case 9: {
              obj.time = reader.uint64Number()
              break
            }
            case 10: {
              obj.counter = reader.uint32()
              break
            }
            case 11: {
              obj.flags = reader.uint32()
              break
            }
            case 12: {
              obj.keyEpoch = reader.uint32()
              break
            }
            case 13: {
              obj.payload = reader.bytes()
              break
            }
            case 15: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.network`,
                value: reader.string()
              }
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
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.authorName`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.nameSignature`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.prev`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.time`,
                value: reader.uint64Number()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.counter`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.flags`,
                value: reader.uint32()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.keyEpoch`,
                value: reader.uint32()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.signature`,
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

  export interface EntryVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface EntryNetworkFieldEvent {
    field: '$.network'
    value: string
  }

  export interface EntryPipelineFieldEvent {
    field: '$.pipeline'
    value: string
  }

  export interface EntryAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryAuthorNameFieldEvent {
    field: '$.authorName'
    value: string
  }

  export interface EntryNameSignatureFieldEvent {
    field: '$.nameSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntrySeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface EntryPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryTimeFieldEvent {
    field: '$.time'
    value: number
  }

  export interface EntryCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export interface EntryFlagsFieldEvent {
    field: '$.flags'
    value: number
  }

  export interface EntryKeyEpochFieldEvent {
    field: '$.keyEpoch'
    value: number
  }

  export interface EntryPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntrySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Entry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
    return decodeMessage(buf, Entry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryVersionFieldEvent | EntryNetworkFieldEvent | EntryPipelineFieldEvent | EntryAuthorFieldEvent | EntryAuthorNameFieldEvent | EntryNameSignatureFieldEvent | EntrySeqFieldEvent | EntryPrevFieldEvent | EntryTimeFieldEvent | EntryCounterFieldEvent | EntryFlagsFieldEvent | EntryKeyEpochFieldEvent | EntryPayloadFieldEvent | EntrySignatureFieldEvent> {
    return streamMessage(buf, Entry.codec(), opts)
  }
}
