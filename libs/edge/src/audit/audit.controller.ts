import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ALL_INSTITUTIONS, CurrentPrincipal, Principal, RequireAccess, resolveInstitution } from '@chanjiao/auth';
import type { Page } from '@chanjiao/persistence';
import { AuditEntryView, AuditPage, AuditQuery } from './audit.dto';
import { AuditReader } from './audit.reader';

@ApiTags('audit')
@ApiBearerAuth()
@RequireAccess('admin')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditReader) {}

  @Get()
  @ApiOperation({
    summary: 'Who (key id) wrote what (event type, subject) and when, newest first (admin keys only)',
    description:
      "An admin key bound to some institutions sees theirs only; `institution` narrows to one of them. Kept as long as the service's outbox rows (reporting: its event log) are.",
  })
  @ApiOkResponse({ type: AuditPage })
  async list(@CurrentPrincipal() p: Principal, @Query() q: AuditQuery): Promise<Page<AuditEntryView>> {
    const institutions = q.institution
      ? [resolveInstitution(p, q.institution).institution]
      : p.institutions.includes(ALL_INSTITUTIONS)
        ? undefined
        : p.institutions;
    return this.audit.page(q, institutions);
  }
}
