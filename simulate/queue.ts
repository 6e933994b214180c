/**
 * The FIFO queue of requests in front of a service's replicas, second by second: requests arrive, those that waited
 * past the timeout give up, and free slots (ready replicas x concurrency) take the oldest first. One implementation for
 * the model (model.ts), which runs it with its fleet, and for the replay of a finished run by arrival second (limits.ts).
 */
export class RequestQueue {
    /** Requests still waiting, by arrival second. */
    private readonly waiting: Float64Array;
    /** Requests finishing in each second of the service time, a ring. */
    private readonly completing: Float64Array;
    private head = 0;
    /** Requests waiting. */
    queued = 0;
    /** Requests being served. */
    inService = 0;

    constructor(
        seconds: number,
        private readonly serviceSeconds: number,
        private readonly timeoutSeconds: number,
    ) {
        this.waiting = new Float64Array(seconds);
        this.completing = new Float64Array(serviceSeconds);
    }

    /**
     * Second `t` begins: requests finishing now free their slots, `arrivals` join the queue, and requests waiting past
     * the timeout give up (`onDrop(arrivalSecond, requests)`). Returns the requests that finished.
     */
    arrive(t: number, arrivals: number, onDrop: (arrival: number, requests: number) => void): number {
        const done = this.completing[t % this.serviceSeconds];
        this.inService -= done;
        this.completing[t % this.serviceSeconds] = 0;
        this.waiting[t] = arrivals;
        this.queued += arrivals;
        while (this.head < t - this.timeoutSeconds) {
            onDrop(this.head, this.waiting[this.head]);
            this.queued -= this.waiting[this.head];
            this.waiting[this.head++] = 0;
        }
        return done;
    }

    /** The oldest requests take the free slots of `slots` in second `t` (`onServe(arrivalSecond, requests)`). */
    serve(t: number, slots: number, onServe: (arrival: number, requests: number) => void): void {
        let free = slots - this.inService;
        while (free > 1e-9 && this.queued > 1e-9) {
            while (this.waiting[this.head] <= 1e-9) this.head++;
            const take = Math.min(free, this.waiting[this.head]);
            this.waiting[this.head] -= take;
            this.queued -= take;
            free -= take;
            this.inService += take;
            this.completing[t % this.serviceSeconds] += take;
            onServe(this.head, take);
        }
    }

    /** The requests still waiting when the trace ends (`onWaiting(arrivalSecond, requests)`): dropped, as the model counts them. */
    remaining(onWaiting: (arrival: number, requests: number) => void): void {
        for (let a = this.head; a < this.waiting.length; a++) if (this.waiting[a] > 0) onWaiting(a, this.waiting[a]);
    }
}
