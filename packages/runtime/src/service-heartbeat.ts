import { ServiceStatusSchema, encodeJson, type Bus, type ServiceStatus, type Subjects } from '@shiriki/bus';
import type { ServiceLifecycle } from '@shiriki/telemetry';

export interface ServiceHeartbeatOptions {
  nc: Bus['nc'];
  subjects: Subjects;
  service: string;
  instance: string;
  lifecycle: ServiceLifecycle;
  /** Default 5000 ms. */
  intervalMs?: number;
  /** Read at every beat: how busy the instance is, when it knows (see `RunningComponent.busyRatio`). */
  busyRatio?: () => number | undefined;
}

/**
 * Publishes the instance's `ServiceStatus` on `<p>.status.<service>.<instance>`: at once on every state
 * change (so `draining` is seen while the service hands its work over) and every `intervalMs` in between,
 * so a monitor or the API can list live instances and drop those that went silent.
 */
export function startServiceHeartbeat(options: ServiceHeartbeatOptions): { stop(): void } {
  const { nc, subjects, service, instance, lifecycle } = options;
  const subject = subjects.status(service, instance);
  const startedAt = Date.now();
  const publish = (): void => {
    if (nc.isClosed() || nc.isDraining()) return;
    const status: ServiceStatus = {
      service,
      instance,
      state: lifecycle.state,
      time: Date.now(),
      started_at: startedAt,
    };
    const busy = options.busyRatio?.();
    if (busy !== undefined && Number.isFinite(busy)) status.busy_ratio = Math.min(1, Math.max(0, busy));
    nc.publish(subject, encodeJson(ServiceStatusSchema, status));
  };
  const onState = (): void => publish();
  lifecycle.on('state', onState);
  const timer = setInterval(publish, options.intervalMs ?? 5000);
  timer.unref();
  publish();
  return {
    stop: () => {
      clearInterval(timer);
      lifecycle.off('state', onState);
    },
  };
}
