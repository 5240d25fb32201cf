import { Controller, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  CloudEvent,
  ProgramOpened,
  ProgramSuspended,
  ProgramUpdated,
  StudentCancelled,
  StudentEnrolled,
  StudentGraduated,
  StudentTransferred,
  StudentWithdrew,
} from '@chanjiao/contracts';
import { AmqpEventContext, RethrowRpcErrors } from '@chanjiao/messaging';
import type { ProjectionTransaction } from '../projection/projection.unit-of-work';

type Ctx = AmqpEventContext<ProjectionTransaction>;

/**
 * Subscriptions of the reporting consumer to enrollment events. Each handler applies the event's
 * projections inside the batch transaction the transport opened; an event type with no handler
 * here is dead-lettered, never dropped.
 */
@ApiExcludeController()
@UseFilters(RethrowRpcErrors)
@Controller()
export class EnrollmentEventsHandler {
  @EventPattern([ProgramOpened.type, ProgramUpdated.type, ProgramSuspended.type])
  program(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }

  @EventPattern([StudentEnrolled.type, StudentCancelled.type, StudentWithdrew.type, StudentTransferred.type, StudentGraduated.type])
  student(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }
}
