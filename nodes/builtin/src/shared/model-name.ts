import { field, z } from '@medflow/sdk';

/** A model file in the server's models directory (`GET /api/models` lists them). */
export const ModelNameSchema = (kind: 'LLM' | 'whisper') => z.string().min(1, 'choose a model').max(255)
  .regex(/^[^/\\]+$/, 'a file name in the models directory, without a path')
  .describe(`${kind} model file in the models directory (GET /api/models)`)
  .meta(field(kind === 'LLM' ? 'モデル（.gguf）' : '音声認識モデル', kind === 'LLM' ? 'Model (.gguf)' : 'Whisper model', 'サーバーのモデルフォルダにあるファイル名'));
