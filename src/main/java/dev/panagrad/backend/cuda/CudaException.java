package dev.panagrad.backend.cuda;

/** A CUDA call returned an error: the message names the call, the code, CUDA's text and what to do. */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int code;

    /**
     * @param call        the call that failed, as written in messages ("pg_malloc(4000 bytes)")
     * @param code        the cudaError_t it returned
     * @param errorString CUDA's description of the code (pg_error_string)
     */
    public CudaException(String call, int code, String errorString) {
        super(call + " failed with CUDA error " + code + ": " + errorString + CudaErrors.hint(code));
        this.call = call;
        this.code = code;
    }

    /** The call that failed, as written in the message. */
    public String call() {
        return call;
    }

    /** The cudaError_t code. */
    public int code() {
        return code;
    }
}
