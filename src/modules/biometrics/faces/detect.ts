import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TensorFlow from '@tensorflow/tfjs-core';
import type { Config, FaceResult, Human as HumanInstance } from '@vladmandic/human';
import { MIN_IMAGE_SIDE, refusal, type DecodedImage } from './decode.js';

/**
 * Finds the one face of an image and describes it with @vladmandic/human on tfjs's WebAssembly
 * backend: blazeface finds faces, facemesh places them, faceres gives the 1024-value description.
 * Everything is read from node_modules (the models and the .wasm files ship in the packages);
 * nothing is fetched. See docs/notes/biometrics-libraries.md for why each setting is what it is.
 */

/** A detected face's box, in pixels of the decoded image (EXIF-oriented, at most 1024 a side). */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceFound {
  /** faceres's description, L2-normalised. */
  embedding: Float32Array;
  box: FaceBox;
  score: number;
}

export interface FaceDetector {
  /** The one face of the image, or a refusal (no-face, several-faces, face-too-small) as a Problem. */
  detect(image: DecodedImage): Promise<FaceFound>;
  /** tfjs's live tensor count, to see that detection leaves none behind. */
  tensorCount(): number;
}

export const EMBEDDING_LENGTH = 1024;
/** A face at or above this score counts; two of them make an image of several faces. */
export const MIN_FACE_SCORE = 0.5;
const MODELS = ['blazeface', 'facemesh', 'faceres'];

// human's package `exports` map is malformed (keys without "./"), so its WebAssembly build can
// only be reached by path; it requires tfjs-core, -converter and -backend-wasm itself.
const require = createRequire(import.meta.url);
const humanDist = path.dirname(require.resolve('@vladmandic/human'));
const MODELS_DIR = path.join(humanDist, '..', 'models');
const WASM_DIR = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));

/** human's settings: face detection, mesh and description only; no cache, no warm-up, no CDN. */
const CONFIG = {
  backend: 'wasm',
  wasmPath: `${WASM_DIR}/`,
  wasmPlatformFetch: false,
  modelBasePath: `file://${MODELS_DIR}/`,
  cacheModels: false,
  warmup: 'none',
  // Otherwise a call on an image like the previous one returns the previous result.
  cacheSensitivity: 0,
  debug: false,
  filter: { enabled: false },
  gesture: { enabled: false },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  segmentation: { enabled: false },
  face: {
    enabled: true,
    detector: { rotation: false, maxDetected: 5, minConfidence: MIN_FACE_SCORE },
    mesh: { enabled: true },
    description: { enabled: true },
    iris: { enabled: false },
    emotion: { enabled: false },
    attention: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
};

let routerRegistered = false;

/**
 * tfjs reads file:// URLs only when tfjs-node registers a handler for them; without one human
 * falls back to fetch. This handler reads model files with fs, and only from human's models folder.
 */
function registerModelFiles(tf: typeof TensorFlow): void {
  if (routerRegistered) return;
  routerRegistered = true;
  const router = (url: string | string[]): TensorFlow.io.IOHandler | null => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const jsonPath = fileURLToPath(url);
    if (path.dirname(jsonPath) !== MODELS_DIR) return null;
    return {
      load: async () => {
        const modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as TensorFlow.io.ModelJSON;
        return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
          const files = manifest.flatMap((group) => group.paths.map((file) => path.join(MODELS_DIR, path.basename(file))));
          const buffers = await Promise.all(files.map(async (file) => {
            const bytes = await readFile(file);
            return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
          }));
          return [manifest.flatMap((group) => group.weights), tf.io.CompositeArrayBuffer.join(buffers)];
        });
      },
    };
  };
  // tfjs skips a router that answers null (router_registry.js), though its type leaves null out.
  tf.io.registerLoadRouter(router as (url: string | string[]) => TensorFlow.io.IOHandler);
}

function normalised(values: number[]): Float32Array {
  const vector = Float32Array.from(values);
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (!(norm > 0)) throw new Error('faceres returned an all-zero description');
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

function found(face: FaceResult): FaceFound {
  const [x, y, width, height] = face.box.map((value) => Math.round(value)) as [number, number, number, number];
  if (Math.min(width, height) < MIN_IMAGE_SIDE) throw refusal('face-too-small', { box: { x, y, width, height } });
  if (face.embedding?.length !== EMBEDDING_LENGTH) throw new Error(`faceres returned ${face.embedding?.length ?? 'no'} values, not ${EMBEDDING_LENGTH}`);
  return { embedding: normalised(face.embedding), box: { x, y, width, height }, score: face.score };
}

/** Loads human and its three models, or throws saying which did not load (human itself only logs). */
export async function createFaceDetector(): Promise<FaceDetector> {
  const { Human } = require(path.join(humanDist, 'human.node-wasm.js')) as typeof import('@vladmandic/human');
  const tf = require('@tensorflow/tfjs-core') as typeof TensorFlow;
  registerModelFiles(tf);
  // human's Config type wants every member of a section; the rest are its defaults.
  const human: HumanInstance = new Human(CONFIG as unknown as Partial<Config>);
  await human.load();
  const stats = human.models.stats().modelStats;
  const missing = MODELS.filter((name) => !stats.some((model) => model.name === name && model.loaded));
  if (missing.length > 0) throw new Error(`face models did not load from ${MODELS_DIR}: ${missing.join(', ')}`);
  if (tf.getBackend() !== 'wasm') throw new Error(`tfjs runs on '${tf.getBackend()}', not 'wasm'`);

  return {
    async detect(image) {
      const input = tf.tensor4d(image.rgb, [1, image.height, image.width, 3], 'int32');
      let faces: FaceResult[];
      try {
        const result = await human.detect(input);
        if (result.error) throw new Error(`face detection failed: ${result.error}`);
        faces = result.face.filter((face) => face.score >= MIN_FACE_SCORE);
      } finally {
        tf.dispose(input);
      }
      const [face, ...others] = faces;
      if (!face) throw refusal('no-face');
      if (others.length > 0) throw refusal('several-faces', { faces: faces.length });
      return found(face);
    },
    tensorCount: () => tf.memory().numTensors,
  };
}
