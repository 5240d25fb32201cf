import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { ALLIANCE_ROLES, ALLIANCE_SCOPES, AllianceRole, AllianceScope, Sector, SECTORS } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, IsText, viewMapper } from '@chanjiao/edge';

export class PutAllianceDto {
  @ApiProperty({ example: '巴州现代纺织职业教育联盟' })
  @IsString()
  @IsText(200)
  name!: string;

  @ApiProperty({ enum: ALLIANCE_SCOPES })
  @IsIn(ALLIANCE_SCOPES)
  scope!: AllianceScope;

  @ApiPropertyOptional({ enum: SECTORS })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: Sector;

  @ApiProperty({ example: '2019-05-20' })
  @IsCalendarDate()
  foundedOn!: string;

  @ApiProperty({ enum: ALLIANCE_ROLES, description: "This institution's role in the alliance" })
  @IsIn(ALLIANCE_ROLES)
  role!: AllianceRole;
}

export class AllianceBatchItemDto extends PutAllianceDto {
  @ApiProperty({ example: 'BZ-TEXTILE' })
  @IsEntityId()
  allianceId!: string;
}

export class AllianceView {
  @ApiProperty() allianceId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ALLIANCE_SCOPES }) scope!: AllianceScope;
  @ApiProperty({ enum: SECTORS, nullable: true }) sector!: Sector | null;
  @ApiProperty() foundedOn!: string;
  @ApiProperty({ enum: ALLIANCE_ROLES }) role!: AllianceRole;
  @ApiProperty({ description: 'Sequence of the latest event about this alliance' }) version!: number;
}

export const toAllianceView = viewMapper(AllianceView, ['allianceId', 'name', 'scope', 'sector', 'foundedOn', 'role', 'version']);
