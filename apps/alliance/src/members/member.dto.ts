import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ALLIANCE_MEMBER_KINDS, ALLIANCE_ROLES, AllianceMemberKind, AllianceRole } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, viewMapper } from '@chanjiao/edge';

export class JoinDto {
  @ApiProperty({ description: 'Id of the member institution or enterprise (e.g. a partner id); never a person', example: 'E-0042' })
  @IsEntityId()
  memberId!: string;

  @ApiProperty({ enum: ALLIANCE_MEMBER_KINDS })
  @IsIn(ALLIANCE_MEMBER_KINDS)
  memberKind!: AllianceMemberKind;

  @ApiProperty({ enum: ALLIANCE_ROLES })
  @IsIn(ALLIANCE_ROLES)
  role!: AllianceRole;

  @ApiProperty({ example: '2020-03-01' })
  @IsCalendarDate()
  joinedOn!: string;
}

export class DepartureDto {
  @ApiProperty({ example: '2022-12-31' })
  @IsCalendarDate()
  date!: string;
}

export class RoleChangeDto {
  @ApiProperty({ enum: ALLIANCE_ROLES })
  @IsIn(ALLIANCE_ROLES)
  role!: AllianceRole;

  @ApiProperty({ description: 'The new role holds from this day on', example: '2022-06-01' })
  @IsCalendarDate()
  date!: string;
}

export class JoinBatchItemDto extends JoinDto {
  @ApiProperty({ example: 'BZ-TEXTILE' }) @IsEntityId() allianceId!: string;
}
export class DepartureBatchItemDto extends DepartureDto {
  @ApiProperty({ example: 'BZ-TEXTILE' }) @IsEntityId() allianceId!: string;
  @ApiProperty({ example: 'E-0042' }) @IsEntityId() memberId!: string;
}
export class RoleChangeBatchItemDto extends RoleChangeDto {
  @ApiProperty({ example: 'BZ-TEXTILE' }) @IsEntityId() allianceId!: string;
  @ApiProperty({ example: 'E-0042' }) @IsEntityId() memberId!: string;
}

export class RoleChangeView {
  @ApiProperty() date!: string;
  @ApiProperty({ enum: ALLIANCE_ROLES }) role!: AllianceRole;
}

export class MembershipPeriodView {
  @ApiProperty({ enum: ALLIANCE_MEMBER_KINDS }) memberKind!: AllianceMemberKind;
  @ApiProperty({ enum: ALLIANCE_ROLES, description: 'Role at joining' }) role!: AllianceRole;
  @ApiProperty() joinedOn!: string;
  @ApiProperty({ type: [RoleChangeView] }) roleChanges!: RoleChangeView[];
  @ApiProperty({ nullable: true, type: String }) departedOn!: string | null;
}

export class MemberView {
  @ApiProperty() allianceId!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty({ enum: ALLIANCE_MEMBER_KINDS }) memberKind!: AllianceMemberKind;
  @ApiProperty({ enum: ALLIANCE_ROLES, description: 'Current role' }) role!: AllianceRole;
  @ApiProperty({ enum: ['active', 'departed'] }) status!: 'active' | 'departed';
  @ApiProperty({ description: 'Start of the latest membership period' }) joinedOn!: string;
  @ApiProperty({ nullable: true, type: String }) departedOn!: string | null;
  @ApiProperty({ type: [MembershipPeriodView] }) periods!: MembershipPeriodView[];
  @ApiProperty({ description: 'Sequence of the latest event about this membership' }) version!: number;
}

const toRoleChangeView = viewMapper(RoleChangeView, ['date', 'role']);
const toMembershipPeriodView = viewMapper(MembershipPeriodView, ['memberKind', 'role', 'joinedOn', 'roleChanges', 'departedOn'], {
  roleChanges: toRoleChangeView,
});

export const toMemberView = viewMapper(
  MemberView,
  ['allianceId', 'memberId', 'memberKind', 'role', 'status', 'joinedOn', 'departedOn', 'periods', 'version'],
  { periods: toMembershipPeriodView },
);
