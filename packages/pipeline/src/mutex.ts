// The serial queue is @pipes/interface's (one in the tree); the pipeline's modules import it from here.
export { Mutex } from '@pipes/interface'
